use pykka::{actor, Actor};

#[actor]
pub struct Player {
    pub volume: u8,
    pub set_volume: bool,
    pub play_list: u8,
    #[allow(non_snake_case)]
    pub playList: u8,
}

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {}

fn main() {}
