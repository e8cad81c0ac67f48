/** Base class of every error neurone throws on bad input. */
export class NeuroneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Incompatible or malformed shapes. */
export class ShapeError extends NeuroneError {}
/** A dtype an op cannot take. */
export class DTypeError extends NeuroneError {}
/** A dim or index outside the valid range. */
export class IndexError extends NeuroneError {}
/** A malformed, truncated or mismatching file. */
export class FormatError extends NeuroneError {}

/** `[2,3]`: shapes are printed like this in every message. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
