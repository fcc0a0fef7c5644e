use pykka::{actor, Actor};

#[actor]
pub struct Player {
    pub volume: u8,
}

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    pub fn set_volume(&mut self, volume: u8) {
        self.volume = volume.min(100);
    }
}

fn main() {}
