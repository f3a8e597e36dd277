"""Schools' classes and the pupils in them."""
