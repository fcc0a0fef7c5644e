use pykka::{actor, traversable, Actor};

#[traversable]
pub struct Playback {
    pub position: u32,
}

#[traversable]
impl Playback {
    /// Only for a `Playback` inside a `Core`.
    #[proxy(actor)]
    pub fn restart(core: &mut Core) -> u32 {
        core.playback.position = 0;
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
impl Core {}

#[actor]
pub struct Player {
    #[traversable]
    pub playback: Playback,
}

impl Actor for Player {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Player {}

fn main() {
    let player = Player { playback: Playback { position: 1 } }.start().proxy().unwrap();
    let _ = player.playback().restart();
}
