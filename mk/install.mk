# Packaging (issue 7): `make install`, pkg-config and CMake package files, out-of-tree build test.
# Placeholder: filled in by the packaging work.
