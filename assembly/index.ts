// The module's entry: matrix products and the elementwise kernels.
export * from "./matmul";
export * from "./elementwise";
