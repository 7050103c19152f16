/** Row-major matrix, the project-wide convention for ML data (src/data, src/fl, src/fhe): element (r, c) is data[r * cols + c]. */
export type Matrix = { rows: number; cols: number; data: Float64Array };
