# gdb side of gdb_figures.scn: stop where the sysinfo service takes each
# snapshot and print what tools/gdb/rvos.py reads there. "@@ NAME" lines
# mark the sections tools/testing/gdb_compare.py compares with the console.
# The scenario sources tools/gdb/rvos.py first.

# mem -r, then mem: the heap record is read first (heap_stats), then the
# reply buffer is allocated (SVC_), then pages, tags and processes
# (tag_count).
break heap_stats
break tag_count
echo @@ breakpoints set\n
continue
echo @@ mem -r heap\n
rvos-mem -r
continue
echo @@ mem -r tags\n
rvos-mem -r
continue
echo @@ mem heap\n
rvos-mem
continue
echo @@ mem tags\n
rvos-mem
delete

# mem -s: the call-site table is copied after its own TRAC buffer is taken.
break alloc_site_top
continue
echo @@ mem -s\n
rvos-sites
echo @@ sites SCHD\n
rvos-sites SCHD
delete

# mem -b: page and heap free lists, read before anything is allocated.
break heap_stats
continue
echo @@ mem -b\n
rvos-buddy
rvos-heap
delete

# ps: processes, while the service takes its first snapshot.
break proc_snapshot
continue
echo @@ ps\n
rvos-ps
echo @@ bt 3\n
rvos-bt 3
echo @@ whatis proc_table\n
rvos-whatis proc_table
echo @@ page proc_table\n
rvos-page proc_table
echo @@ page kstack 3\n
rvos-page $rvos_proc(3)->kstack
echo @@ bad input\n
rvos-page 0x1
rvos-bt 9999
rvos-whatis junk
rvos-mem -x
echo @@ end\n
delete
