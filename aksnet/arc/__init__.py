"""AKS on Azure Local (`platform: azure-local`): the model, offline rules, IP plan and plan. Pure: no azure.*.

Sources for every number and body: ../shared/azure-local.md (summarised in each module's docstring).
What rests on documentation only, with no Azure Local hardware to confirm it, is marked "docs only".
"""

PLATFORM = "azure-local"  # the scenario file's `platform:` for these clusters
