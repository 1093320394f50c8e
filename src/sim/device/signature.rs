//! A handwritten-looking signature: a few cursive "words" drawn as looping trochoids along a
//! slanted, slightly drifting baseline, then an underline flourish. Every shape parameter comes
//! from the device's seeded generator, so the same seed draws the same signature.

use std::f64::consts::TAU;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::protocol::{Point, Signature, Stroke};

/// Canvas width of the simulated signature pad.
pub(super) const WIDTH: i32 = 640;
/// Canvas height of the simulated signature pad.
pub(super) const HEIGHT: i32 = 240;
/// Points drawn per letter (one turn of the trochoid).
const POINTS_PER_LETTER: usize = 16;

/// Draws a signature: two or three words of 3–6 letters, then an underline.
pub(super) fn scribble(rng: &mut ChaCha8Rng) -> Signature {
    let words = rng.random_range(2..=3);
    let slant = rng.random_range(0.15..0.35);
    let baseline = f64::from(rng.random_range(140..165));
    let mut strokes = Vec::with_capacity(words + 1);
    let mut x = f64::from(rng.random_range(30..60));
    for _ in 0..words {
        let letters = rng.random_range(3..=6);
        let stroke = word(rng, x, baseline, slant, letters);
        let end = stroke.points.last().map_or(x, |p| f64::from(p.x));
        strokes.push(stroke);
        x = end + f64::from(rng.random_range(25..45));
        if x > f64::from(WIDTH) - 120.0 {
            break;
        }
    }
    let right = strokes
        .iter()
        .flat_map(|s| s.points.iter())
        .map(|p| p.x)
        .max()
        .unwrap_or(WIDTH / 2);
    strokes.push(underline(rng, 30.0, f64::from(right), baseline + 22.0));
    Signature {
        width: Some(WIDTH),
        height: Some(HEIGHT),
        strokes,
    }
}

/// One word: a prolate trochoid (loops where the pen runs back), each letter with its own height.
fn word(rng: &mut ChaCha8Rng, x0: f64, baseline: f64, slant: f64, letters: usize) -> Stroke {
    let advance = rng.random_range(5.0..7.0); // px per radian: ~31–44 px per letter
    let loopiness = advance * rng.random_range(1.2..1.6); // > advance ⇒ loops
    let heights: Vec<f64> = (0..letters)
        .map(|_| {
            if rng.random_bool(0.35) {
                rng.random_range(60.0..90.0) // ascender: l, h, k
            } else {
                rng.random_range(22.0..38.0) // x-height: a, e, n
            }
        })
        .collect();
    let drift = rng.random_range(-6.0..6.0);
    let steps = letters * POINTS_PER_LETTER;
    let mut points = Vec::with_capacity(steps + 1);
    for i in 0..=steps {
        let t = TAU * i as f64 / POINTS_PER_LETTER as f64;
        let letter = (i / POINTS_PER_LETTER).min(letters - 1);
        let rise = heights[letter] * (1.0 - t.cos()) / 2.0;
        let base = baseline + drift * (t / (TAU * letters as f64)) + 2.0 * (0.3 * t).sin();
        let y = base - rise;
        let x = x0 + advance * t - loopiness * t.sin() + slant * (baseline - y);
        let wobble_x = f64::from(rng.random_range(-1..=1));
        let wobble_y = f64::from(rng.random_range(-1..=1));
        points.push(point(x + wobble_x, y + wobble_y));
    }
    Stroke { points }
}

/// A gently curved underline from `from` to `to`, ending in a small upward hook.
fn underline(rng: &mut ChaCha8Rng, from: f64, to: f64, y: f64) -> Stroke {
    // About one point every 8 px, like a pad sampling a quick pen stroke.
    let n = (((to - from) / 8.0).ceil() as i32).max(30);
    let sag = rng.random_range(4.0..10.0);
    let points = (0..=n)
        .map(|i| {
            let u = f64::from(i) / f64::from(n);
            let hook = if u > 0.85 { (u - 0.85) * 60.0 } else { 0.0 };
            point(
                from + (to - from) * u,
                y + sag * (std::f64::consts::PI * u).sin() - hook,
            )
        })
        .collect();
    Stroke { points }
}

fn point(x: f64, y: f64) -> Point {
    // Rounded and clamped to the canvas, so the casts cannot overflow.
    Point {
        x: x.round().clamp(0.0, f64::from(WIDTH - 1)) as i32,
        y: y.round().clamp(0.0, f64::from(HEIGHT - 1)) as i32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn step(a: &Point, b: &Point) -> f64 {
        f64::from((a.x - b.x).pow(2) + (a.y - b.y).pow(2)).sqrt()
    }

    #[test]
    fn looks_handwritten_not_random() {
        for seed in 0..50 {
            let sig = scribble(&mut ChaCha8Rng::seed_from_u64(seed));
            assert_eq!((sig.width, sig.height), (Some(WIDTH), Some(HEIGHT)));
            assert!(
                sig.strokes.len() >= 3,
                "seed {seed}: {} strokes",
                sig.strokes.len()
            );
            for stroke in &sig.strokes {
                assert!(
                    stroke.points.len() >= 24,
                    "seed {seed}: a stroke of {}",
                    stroke.points.len()
                );
                // Continuous pen movement: no jumps, small average steps (noise would jump).
                let steps: Vec<f64> = stroke
                    .points
                    .windows(2)
                    .map(|w| step(&w[0], &w[1]))
                    .collect();
                let max = steps.iter().cloned().fold(0.0, f64::max);
                let mean = steps.iter().sum::<f64>() / steps.len() as f64;
                assert!(max < 40.0, "seed {seed}: jump of {max}");
                assert!(mean < 20.0, "seed {seed}: mean step {mean}");
                // Written left to right.
                let (first, last) = (stroke.points[0], stroke.points[stroke.points.len() - 1]);
                assert!(last.x > first.x + 60, "seed {seed}: {first:?} → {last:?}");
                assert!(
                    stroke
                        .points
                        .iter()
                        .all(|p| (0..WIDTH).contains(&p.x) && (0..HEIGHT).contains(&p.y))
                );
            }
            // Words loop: the pen moves backwards (right to left) somewhere in each word.
            for word in &sig.strokes[..sig.strokes.len() - 1] {
                assert!(
                    word.points.windows(2).any(|w| w[1].x < w[0].x),
                    "seed {seed}: no loops"
                );
            }
        }
    }

    #[test]
    fn same_seed_same_signature() {
        let a = scribble(&mut ChaCha8Rng::seed_from_u64(42));
        let b = scribble(&mut ChaCha8Rng::seed_from_u64(42));
        let c = scribble(&mut ChaCha8Rng::seed_from_u64(43));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
