"""Moving a WordPress site in: its export file read, its posts converted, its URLs kept."""
