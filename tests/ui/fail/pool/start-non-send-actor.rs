// Issue 15: a pooled actor moves between the pool's workers, so it must be `Send`; an actor
// holding an `Rc` stays on a thread of its own (`Actor::start_with`).
use std::rc::Rc;

use pykka::{Actor, Pool};

struct ActorWithRc {
    shared: Rc<u32>,
}

impl Actor for ActorWithRc {
    type Message = ();
    type Reply = u32;

    fn on_receive(&mut self, _ctx: &pykka::Context<Self>, (): ()) -> Result<u32, pykka::Unhandled> {
        Ok(*self.shared)
    }
}

fn main() {
    let pool = Pool::new(1);
    let _actor = pool.start(ActorWithRc { shared: Rc::new(1) });
}
