print("netpold-bench: see issue 3")
