use pykka::{actor, traversable, Actor};

#[traversable]
pub struct Playback {
    pub position: u32,
}

#[traversable]
impl Playback {
    #[proxy(actor)]
    pub fn with_self(&mut self, core: &mut Core) {
        let _ = core;
    }

    #[proxy(actor)]
    pub fn without_actor(position: u32) -> u32 {
        position
    }

    #[proxy(actor)]
    pub fn borrows(core: &mut Core, name: &str) -> u32 {
        let _ = name;
        core.volume
    }
}

#[actor]
pub struct Core {
    #[traversable]
    pub playback: Playback,
    pub volume: u32,
}

impl Actor for Core {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Core {
    #[proxy(actor)]
    pub fn own(&mut self) {}
}

fn main() {}
