/**
 * The static student model: tokenizer, token table with mean pooling, and its file formats.
 * `StaticModel`, `Tokenizer`, the quantisers and safetensors codec are browser-safe; `formats/` is Node-only.
 */
export { type LoadStaticModelOptions, loadStaticModel } from './formats/loadStaticModel.js';
export { type SaveStaticModelOptions, saveStaticModel } from './formats/saveStaticModel.js';
export { StaticModel, type StaticModelConfig, type StaticModelInit } from './StaticModel.js';
export { Tokenizer } from './tokenizer/Tokenizer.js';
export { trainWordPiece } from './tokenizer/trainWordPiece.js';
