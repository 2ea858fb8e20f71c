/**
 * The three.js view of the demo: the mesh with per-vertex colours, tangent vectors as instanced
 * arrows (one draw call for thousands), the gauge frames on request (e_x red, e_y green, also
 * instanced), orbit/zoom controls and vertex picking for the hover read-out.
 * @module
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { MeshData, MeshFrames } from '../../src/index.js';

/** Most arrows drawn per field (beyond that every k-th vertex is shown). */
export const MAX_ARROWS = 20000;

function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function arrowGeometry(): THREE.BufferGeometry {
  // a unit arrow along +Y from 0 to 1: shaft (cylinder) and head (cone), merged by hand
  const shaft = new THREE.CylinderGeometry(0.07, 0.07, 0.7, 4, 1, true).translate(0, 0.35, 0);
  const head = new THREE.ConeGeometry(0.2, 0.3, 6, 1, true).translate(0, 0.85, 0);
  const parts = [shaft.toNonIndexed(), head.toNonIndexed()];
  const pos = parts.flatMap((g) => Array.from(g.getAttribute('position').array as Float32Array));
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.Float32BufferAttribute(pos, 3));
  g.computeVertexNormals();
  return g;
}

/** A set of instanced arrows. */
class Arrows {
  readonly mesh: THREE.InstancedMesh;
  constructor(scene: THREE.Scene, color: number, capacity: number) {
    this.mesh = new THREE.InstancedMesh(arrowGeometry(), new THREE.MeshLambertMaterial({ color }), capacity);
    this.mesh.count = 0;
    this.mesh.frustumCulled = false;
    scene.add(this.mesh);
  }

  /**
   * Arrows at `origins` (V·3) along `vectors` (V·3), lengths scaled so the longest is `maxLen`;
   * the thickness grows with the length up to that of an arrow `maxWidth` long.
   */
  set(origins: ArrayLike<number>, vectors: ArrayLike<number>, maxLen: number, maxWidth: number, fixedLength = false): number {
    const V = origins.length / 3, stride = Math.max(1, Math.ceil(V / Math.min(MAX_ARROWS, this.mesh.instanceMatrix.count))), up = new THREE.Vector3(0, 1, 0);
    let big = 0;
    for (let p = 0; p < V; p++) big = Math.max(big, Math.hypot(vectors[3 * p]!, vectors[3 * p + 1]!, vectors[3 * p + 2]!));
    const m = new THREE.Matrix4(), q = new THREE.Quaternion(), s = new THREE.Vector3(), o = new THREE.Vector3(), d = new THREE.Vector3();
    let n = 0;
    for (let p = 0; p < V && n < this.mesh.instanceMatrix.count; p += stride) {
      d.set(vectors[3 * p]!, vectors[3 * p + 1]!, vectors[3 * p + 2]!);
      const len = d.length();
      if (!(len > 1e-12 * (big || 1))) continue;
      const l = fixedLength ? maxLen : (maxLen * len) / big;
      q.setFromUnitVectors(up, d.multiplyScalar(1 / len));
      const w = Math.min(l, maxWidth);
      s.set(w, l, w);
      o.set(origins[3 * p]!, origins[3 * p + 1]!, origins[3 * p + 2]!);
      this.mesh.setMatrixAt(n++, m.compose(o, q, s));
    }
    this.mesh.count = n;
    this.mesh.instanceMatrix.needsUpdate = true;
    return n;
  }

  clear(): void {
    this.mesh.count = 0;
  }
}

/** The 3-D view. */
export class MeshView {
  readonly renderer: THREE.WebGLRenderer;
  readonly scene = new THREE.Scene();
  readonly camera = new THREE.PerspectiveCamera(35, 1, 0.01, 100);
  readonly controls: OrbitControls;
  private readonly surface: THREE.Mesh;
  private readonly geometry = new THREE.BufferGeometry();
  private readonly arrows: Arrows;
  private readonly xAxes: Arrows;
  private readonly yAxes: Arrows;
  private positions = new Float32Array(0);
  private normals: Float64Array = new Float64Array(0);
  private edge = 0.05;
  private readonly raycaster = new THREE.Raycaster();

  constructor(readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, globalThis.devicePixelRatio || 1));
    this.scene.background = new THREE.Color(0x0f1115);
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x303040, 1.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.4);
    sun.position.set(2, 3, 4);
    this.camera.add(sun);
    this.scene.add(this.camera);
    this.surface = new THREE.Mesh(this.geometry, new THREE.MeshStandardMaterial({ vertexColors: true, roughness: 0.75, metalness: 0, side: THREE.DoubleSide }));
    this.scene.add(this.surface);
    this.arrows = new Arrows(this.scene, 0xff5fa2, MAX_ARROWS);
    this.xAxes = new Arrows(this.scene, 0xe0483a, MAX_ARROWS);
    this.yAxes = new Arrows(this.scene, 0x3fbf5a, MAX_ARROWS);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = true;
    this.controls.addEventListener('change', () => this.render());
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  private resize(): void {
    const w = this.canvas.clientWidth || 800, h = this.canvas.clientHeight || 600;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  /** Show a mesh (its normals for shading and arrow offsets); `fit` recentres the camera. */
  setMesh(mesh: MeshData, normals: Float64Array, edgeLength: number, fit: boolean): void {
    this.positions = Float32Array.from(mesh.positions);
    this.normals = normals;
    this.edge = edgeLength;
    const g = this.geometry;
    g.setAttribute('position', new THREE.BufferAttribute(this.positions, 3));
    g.setAttribute('normal', new THREE.BufferAttribute(Float32Array.from(normals), 3));
    g.setAttribute('color', new THREE.BufferAttribute(new Float32Array(this.positions.length).fill(0.7), 3));
    g.setIndex(new THREE.BufferAttribute(Uint32Array.from(mesh.faces), 1));
    g.computeBoundingSphere();
    if (fit) {
      const s = g.boundingSphere!;
      this.controls.target.copy(s.center);
      this.camera.position.copy(s.center).add(new THREE.Vector3(0.15, 0.25, 1).normalize().multiplyScalar(s.radius * 3.9));
      this.camera.near = s.radius / 100;
      this.camera.far = s.radius * 100;
      this.camera.updateProjectionMatrix();
      this.controls.update();
    }
    this.render();
  }

  /** Per-vertex colours (V·3 sRGB in [0, 1], as the colour maps define them; converted to linear for three). */
  setColors(colors: Float32Array): void {
    const a = this.geometry.getAttribute('color') as THREE.BufferAttribute, out = a.array as Float32Array;
    for (let i = 0; i < out.length && i < colors.length; i++) out[i] = srgbToLinear(colors[i]!);
    a.needsUpdate = true;
    this.render();
  }

  private lifted(): Float32Array {
    const o = Float32Array.from(this.positions);
    for (let i = 0; i < o.length; i++) o[i]! += this.normals[i]! * this.edge * 0.15;
    return o;
  }

  /** Tangent vectors (V·3, world coordinates) as arrows; null hides them. Returns the number drawn. */
  setVectors(vectors: ArrayLike<number> | null): number {
    const n = vectors ? this.arrows.set(this.lifted(), vectors, this.edge * 3.2, this.edge * 1.4) : (this.arrows.clear(), 0);
    this.render();
    return n;
  }

  /** The gauge frames (e_x red, e_y green); null hides them. */
  setFrames(frames: MeshFrames | null): void {
    if (frames) {
      const o = this.lifted();
      this.xAxes.set(o, frames.xAxis, this.edge * 0.9, this.edge * 0.9, true);
      this.yAxes.set(o, frames.yAxis, this.edge * 0.9, this.edge * 0.9, true);
    } else {
      this.xAxes.clear();
      this.yAxes.clear();
    }
    this.render();
  }

  /** The vertex under a canvas point (client coordinates), or -1. */
  pick(clientX: number, clientY: number): number {
    const r = this.canvas.getBoundingClientRect();
    this.raycaster.setFromCamera(new THREE.Vector2(((clientX - r.left) / r.width) * 2 - 1, -((clientY - r.top) / r.height) * 2 + 1), this.camera);
    const hit = this.raycaster.intersectObject(this.surface, false)[0];
    if (!hit?.face) return -1;
    let best = -1, bd = Infinity;
    for (const v of [hit.face.a, hit.face.b, hit.face.c]) {
      const d = hit.point.distanceToSquared(new THREE.Vector3(this.positions[3 * v], this.positions[3 * v + 1], this.positions[3 * v + 2]));
      if (d < bd) { bd = d; best = v; }
    }
    return best;
  }

  /** Mean ms per frame of `n` renders while orbiting (a 1-pixel readback after each, so the GPU work is counted). */
  timeFrames(n: number): number {
    const gl = this.renderer.getContext(), px = new Uint8Array(4), t0 = performance.now();
    for (let i = 0; i < n; i++) {
      this.camera.position.applyAxisAngle(this.camera.up, 0.02);
      this.camera.lookAt(this.controls.target);
      this.render();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
    }
    return (performance.now() - t0) / n;
  }

  render(): void {
    this.renderer.render(this.scene, this.camera);
  }

  /** Draw calls and triangles of the last rendered frame (three's `renderer.info`). */
  renderInfo(): { calls: number; triangles: number } {
    const r = this.renderer.info.render;
    return { calls: r.calls, triangles: r.triangles };
  }

  /** Animate the orbit damping. */
  start(): void {
    const tick = () => {
      if (this.controls.update()) this.render();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
}
