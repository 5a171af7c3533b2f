// The module's entry: matrix products, the dense layer's steps around them, and the elementwise kernels.
export * from "./matmul";
export * from "./elementwise";
export * from "./dense";
