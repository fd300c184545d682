"""PAdES signatures: the department's seal on certificates and the enterprises' signatures on MoUs (pyHanko)."""
