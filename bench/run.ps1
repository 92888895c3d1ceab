#Requires -Version 7.4
# Benchmarks: not written yet (issue: "Benchmarks: measure AzContext against its floor and its peers").
Write-Host 'bench: no benchmarks yet; see the README''s performance section for what will be measured.'
