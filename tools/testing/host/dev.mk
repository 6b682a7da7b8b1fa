# Host tests of kernel/dev code that has no architecture in it: the
# device tree reader, on blobs that QEMU dumps of its own virt machine.
#
#   make host-test-dev
B ?= build
HOSTCC ?= gcc
QEMU   ?= qemu-system-riscv64

HOST_DEV_DIR    := $(B)/host/dev
HOST_DEV_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: host-test-dev
HOST_DEV_DTBS := $(HOST_DEV_DIR)/virt-128m.dtb $(HOST_DEV_DIR)/virt-256m-2.dtb \
	$(HOST_DEV_DIR)/virt-16.dtb $(HOST_DEV_DIR)/virt-aplic.dtb $(HOST_DEV_DIR)/virt-numa.dtb
host-test-dev: $(HOST_DEV_DIR)/fdt_test $(HOST_DEV_DTBS)
	$(HOST_DEV_DIR)/fdt_test $(HOST_DEV_DTBS)

$(HOST_DEV_DIR)/fdt_test: tools/testing/host/dev/fdt_test.c kernel/dev/fdt.c lib/strlcpy.c \
		tools/testing/host/shim.c include/kernel/fdt.h
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_DEV_CFLAGS) -o $@ tools/testing/host/dev/fdt_test.c kernel/dev/fdt.c \
		tools/testing/host/shim.c lib/strlcpy.c

$(HOST_DEV_DIR)/virt-128m.dtb:
	@mkdir -p $(@D)
	$(QEMU) -machine virt,dumpdtb=$@ -m 128M -smp 1 -nographic >/dev/null 2>&1

$(HOST_DEV_DIR)/virt-256m-2.dtb:
	@mkdir -p $(@D)
	$(QEMU) -machine virt,dumpdtb=$@ -m 256M -smp 2 -nographic >/dev/null 2>&1

$(HOST_DEV_DIR)/virt-16.dtb:
	@mkdir -p $(@D)
	$(QEMU) -machine virt,dumpdtb=$@ -m 128M -smp 16 -nographic >/dev/null 2>&1

$(HOST_DEV_DIR)/virt-aplic.dtb:
	@mkdir -p $(@D)
	$(QEMU) -machine virt,aia=aplic,dumpdtb=$@ -m 128M -smp 1 -nographic >/dev/null 2>&1

# Two NUMA nodes: two /memory ranges and two PLICs, one per socket.
$(HOST_DEV_DIR)/virt-numa.dtb:
	@mkdir -p $(@D)
	$(QEMU) -machine virt,dumpdtb=$@ -m 256M -smp 2 -nographic \
		-object memory-backend-ram,id=m0,size=128M -numa node,memdev=m0,cpus=0 \
		-object memory-backend-ram,id=m1,size=128M -numa node,memdev=m1,cpus=1 >/dev/null 2>&1
