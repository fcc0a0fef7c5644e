use pykka::{actor, Actor};

#[actor]
pub struct Player(pub u8, u16);

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {}

fn main() {}
