/** The error base every layer's error type extends, and the one-safe-line rendering of messages. */
export { isLayerError, LayerError } from './layer-error.js';
export { safeLine } from './safe-line.js';
