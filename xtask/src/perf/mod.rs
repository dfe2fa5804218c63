//! Measurements and hardening runs: the benchmarks and their ratios, the build time, memory, the
//! load test, the fuzz targets and mutation testing.

pub mod bench;
pub mod bench_export;
pub mod bench_memory;
pub mod build_time;
pub mod fuzz;
pub mod load;
pub mod mutants;
