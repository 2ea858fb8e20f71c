// Types for the untyped test-data packages `bunny` and `icosphere` (devDependencies).
declare module 'bunny' {
  const bunny: { positions: number[][]; cells: number[][] };
  export default bunny;
}
declare module 'icosphere' {
  export default function icosphere(subdivisions: number): { positions: number[][]; cells: number[][] };
}
