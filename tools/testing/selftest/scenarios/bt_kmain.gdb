break kmain
continue
bt
