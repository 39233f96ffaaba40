// Keeps qmd_test_support non-empty.
