"""What exists in Azure, judged against the spec: facts read (`facts`), the rules over them (`rules`),
how an existing cluster differs (`drift`), and the plan `up` runs on them (`evaluate`). Pure: no
azure.* import; `aksnet.azure.preflight` does the reading."""
