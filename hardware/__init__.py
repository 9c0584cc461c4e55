# Hardware: board profiles (one logical map, one small GPIO file per board), wiring and BOM.
