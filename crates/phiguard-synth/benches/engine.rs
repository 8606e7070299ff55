//! Criterion benchmarks: the full control catalogue evaluated over synthetic inventories of
//! 10k and 100k resources, next to deserialising the same inventories from JSON.
//!
//! `cargo bench -p phiguard-synth` (add `-- evaluate` or `-- deserialize` to run one group).

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use phiguard_controls::{CATALOGUE, Settings};
use phiguard_model::Inventory;

const SIZES: [usize; 2] = [10_000, 100_000];
const SEED: u64 = 1;

fn settings() -> Settings {
    Settings::at(
        phiguard_synth::GENERATED_AT
            .parse()
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
    )
}

fn evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let settings = settings();
    for n in SIZES {
        let inventory = phiguard_synth::generate(n, SEED);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &inventory, |b, inv| {
            b.iter(|| {
                let result = phiguard_controls::evaluate(inv, &settings, CATALOGUE);
                black_box(result.outcomes.len())
            });
        });
    }
    group.finish();
}

fn deserialize(c: &mut Criterion) {
    let mut group = c.benchmark_group("deserialize");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for n in SIZES {
        let mut json = Vec::new();
        if phiguard_synth::write_json(n, SEED, &mut json).is_err() {
            continue;
        }
        group.throughput(Throughput::Bytes(json.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &json, |b, json| {
            b.iter(|| {
                let inventory = Inventory::from_json(json).map(|i| i.resources.len());
                black_box(inventory.ok())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, evaluate, deserialize);
criterion_main!(benches);
