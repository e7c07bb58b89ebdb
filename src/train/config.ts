/** Training hyper-parameters: one typed object with defaults in one place. */
export interface TrainConfig {
  /** Passes over the training split. */
  epochs: number;
  /** Examples per optimiser step (the last batch of an epoch may be smaller). */
  batchSize: number;
  /** Peak learning rate after warmup. */
  learningRate: number;
  /** Learning rate at the end of the cosine decay, as a fraction of the peak (0..1). */
  minLearningRateFraction: number;
  /** Linear warmup length as a fraction of all steps (0..1). */
  warmupFraction: number;
  /** Decoupled (AdamW) weight decay on matrices and embeddings; biases and LayerNorm are not decayed. */
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Clip the global gradient norm to this value; 0 disables clipping. */
  gradClipNorm: number;
  /** Batch size for validation and test inference. */
  evalBatchSize: number;
  /** Also write a checkpoint every this many steps inside an epoch (0: only at epoch ends). */
  checkpointEverySteps: number;
}

export const TRAIN_DEFAULTS: TrainConfig = {
  epochs: 3,
  batchSize: 128, // the peer script's batch
  learningRate: 1e-3, // AdamW 1e-3: the small-scale probe's setting (SCIENCE.md)
  minLearningRateFraction: 0.01,
  warmupFraction: 0.05,
  weightDecay: 0.05, // ViT convention; the study preset lowers it so models can memorise noisy labels
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  gradClipNorm: 1.0,
  evalBatchSize: 512, // the peer script's inference batch
  checkpointEverySteps: 50,
};
