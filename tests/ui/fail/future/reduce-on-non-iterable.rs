// B067: `reduce` needs an iterable value.
use pykka::Future;

fn main() {
    let future = Future::ready(5u32);
    let _ = future.reduce(|a, b| a + b);
}
