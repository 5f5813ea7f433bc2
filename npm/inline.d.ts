export * from './fitconnect.js';
export { default } from './fitconnect.js';
