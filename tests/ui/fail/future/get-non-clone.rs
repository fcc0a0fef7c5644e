// `get` hands out clones; a value that is not `Clone` is read with `wait` (the hint says so).
use pykka::Future;

struct Track {
    _title: String,
}

fn main() {
    let future = Future::ready(Track { _title: String::new() });
    let _ = future.get();
}
