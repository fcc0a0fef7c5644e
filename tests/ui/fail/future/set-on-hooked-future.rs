// B051-B053: a future with a get hook has no promise, so nothing can set it.
use pykka::Future;

fn main() {
    let future = Future::with_get_hook(|_timeout| Ok(1u32));
    future.set(2);
}
