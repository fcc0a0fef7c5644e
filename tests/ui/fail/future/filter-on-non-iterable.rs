// B055: `filter` needs an iterable value.
use pykka::Future;

fn main() {
    let future = Future::ready(5u32);
    let _ = future.filter(|x| *x > 1);
}
