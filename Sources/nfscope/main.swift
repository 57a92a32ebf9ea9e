print("nfscope")
