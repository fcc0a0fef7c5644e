// B062: `map` gets the whole value, never each element.
use pykka::Future;

fn main() {
    let future = Future::ready(vec![1u32, 2, 3]);
    let _ = future.map(|v| v + 1);
}
