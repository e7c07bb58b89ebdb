/** The 19 built-in corruption modules imported directly, in canonical order, for tests that build one test case per corruption at load time (the registry's loader is async; test/corruptions/plugins.test.ts checks it returns these same objects). */
import type { Corruption } from '../../src/corruptions/define.js';
import { BENCHMARK_CORRUPTIONS, HELD_OUT_CORRUPTIONS } from '../../src/corruptions/names.js';
import brightness from '../../corruptions/brightness.js';
import contrast from '../../corruptions/contrast.js';
import defocusBlur from '../../corruptions/defocus_blur.js';
import elasticTransform from '../../corruptions/elastic_transform.js';
import fog from '../../corruptions/fog.js';
import frost from '../../corruptions/frost.js';
import gaussianBlur from '../../corruptions/gaussian_blur.js';
import gaussianNoise from '../../corruptions/gaussian_noise.js';
import glassBlur from '../../corruptions/glass_blur.js';
import impulseNoise from '../../corruptions/impulse_noise.js';
import jpegCompression from '../../corruptions/jpeg_compression.js';
import motionBlur from '../../corruptions/motion_blur.js';
import pixelate from '../../corruptions/pixelate.js';
import saturate from '../../corruptions/saturate.js';
import shotNoise from '../../corruptions/shot_noise.js';
import snow from '../../corruptions/snow.js';
import spatter from '../../corruptions/spatter.js';
import speckleNoise from '../../corruptions/speckle_noise.js';
import zoomBlur from '../../corruptions/zoom_blur.js';

const order = [...BENCHMARK_CORRUPTIONS, ...HELD_OUT_CORRUPTIONS] as string[];
export const BUILTIN_CORRUPTIONS: readonly Corruption[] = ([brightness, contrast, defocusBlur, elasticTransform, fog, frost, gaussianBlur, gaussianNoise, glassBlur, impulseNoise, jpegCompression, motionBlur, pixelate, saturate, shotNoise, snow, spatter, speckleNoise, zoomBlur] as Corruption[])
  .sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
