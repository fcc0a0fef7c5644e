// B042: a promise is set once; `set` consumes it.
use pykka::Promise;

fn main() {
    let (promise, _future) = Promise::<u32>::new();
    promise.set(1);
    promise.set(2);
}
