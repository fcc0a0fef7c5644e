use pykka::{actor, Actor};

#[actor]
pub struct Player {
    #[proxy(rename = "fn")]
    pub volume: u8,
    #[proxy(skip, rename = "other")]
    pub level: u8,
}

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    #[proxy(hide)]
    pub fn play(&self) {}
}

fn main() {}
