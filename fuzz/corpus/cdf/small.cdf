# size_bytes cumulative_percent
100 0
1000 50

10000 90
1e6 100
