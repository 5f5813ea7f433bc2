// Evaluated before the generated glue, which creates a TextDecoder and a TextEncoder as it is
// evaluated. Every browser has both; Jest's jsdom environment has neither (its globals are
// jsdom's window's), so there they are taken from Node. Nothing changes anywhere else.
const node = globalThis.process?.getBuiltinModule?.('node:util');
if (node) {
  if (typeof globalThis.TextDecoder === 'undefined') globalThis.TextDecoder = node.TextDecoder;
  if (typeof globalThis.TextEncoder === 'undefined') globalThis.TextEncoder = node.TextEncoder;
}
