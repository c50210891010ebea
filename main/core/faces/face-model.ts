// What the face model gives, shared by the model process and the core without loading the model: boxes, faces, the model's id.

/** Names the detector + descriptor weights: scans by another face model are redone, descriptors never mixed. */
export const FACE_MODEL_ID = 'vladmandic/face-api@1.7.15:ssd-mobilenet-v1+landmark-68+recognition';

/** Length of a face descriptor. */
export const FACE_DESCRIPTOR_LENGTH = 128;

export interface FaceImage {
  /** Interleaved 8-bit RGB, row-major, `width * height * 3` bytes, already upright (EXIF orientation applied). */
  data: Uint8Array;
  width: number;
  height: number;
}

export interface FaceBox {
  /** Left edge, as a fraction (0–1) of the upright photo's width. */
  x: number;
  /** Top edge, as a fraction of the upright photo's height. */
  y: number;
  width: number;
  height: number;
}

export interface DetectedFace {
  box: FaceBox;
  /** Detector confidence, 0–1. */
  score: number;
  /** Face descriptor; Euclidean distance < ~0.5 means the same person (see people-grouping.ts). */
  descriptor: Float32Array;
}

