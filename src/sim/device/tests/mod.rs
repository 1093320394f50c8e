//! FSM table tests of the simulated device (no I/O).
