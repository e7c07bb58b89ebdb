/**
 * Typed-array filters that reproduce the reference's scipy / OpenCV / ImageMagick / Pillow operations exactly
 * (up to float rounding), for any H x W and 1 or 3 channels. Images here are Float64Array, HWC interleaved.
 * One file per concept; this module gathers them (corruption modules and the public API import from here):
 * - border.ts       border modes, padding
 * - gaussian.ts     separable Gaussian (scipy gaussian_filter, OpenCV's kernel)
 * - correlate2d.ts  sparse 2-D correlation (cv2.filter2D), ImageMagick's motion blur
 * - resample.ts     bilinear zoom and sampling (scipy zoom / map_coordinates, cv2 remap)
 * - pil-box.ts      Pillow's BOX resize
 *
 * Why not sharp for these: a sharp call costs about 1 ms on this machine for a 28x28 image (measured: blur 700,
 * convolve 1,200 calls/s), more than the whole filter in JS on MNIST/CIFAR sizes; and libvips' Gaussian truncates
 * its kernel by amplitude (minAmplitude) and extends borders by copying, while the reference needs scipy's
 * truncate=4 sigma with 'nearest' or 'reflect' borders, OpenCV's reflect-101 and Pillow's BOX coefficients.
 * Every filter documents the reference operation it follows.
 */
export * from './border.js';
export * from './gaussian.js';
export * from './correlate2d.js';
export * from './resample.js';
export * from './pil-box.js';
