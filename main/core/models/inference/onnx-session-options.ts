// Session settings every onnxruntime session of the model process shares.

// onnxruntime's threads spin on a core for a while after each operator, waiting for the next one. With
// decode threads sharing the same cores during indexing, the spinning steals their time slices and the
// model then waits for them. Parked threads cost a few microseconds per wake-up instead. Measured on 2
// cores, 96 12 MP JPEGs with a ViT-B/32-sized model: 10.1 photos/s spinning, 13.8 parked.
export const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
