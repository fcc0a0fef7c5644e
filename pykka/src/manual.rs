//! The user manual of pykka, one module per topic.
