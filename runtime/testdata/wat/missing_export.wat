;; Test module "missing_export" for the runtime's load and containment tests; see
;; runtime_test.go. Describe answers like a well-formed driver; every other
;; operation does what the file name says. Assembled with wabt's wat2wasm.
(module
  (import "mercury" "input_read" (func $input_read (param i32 i32) (result i32)))
  (import "mercury" "output_write" (func $output_write (param i32 i32) (result i32)))

  (memory (export "memory") 1)
  (data (i32.const 1024) "{\"name\":\"missing_export\",\"version\":\"1\",\"session\":\"exec\",\"port_pattern\":\".*\"}")
  (func (export "_initialize") )
  (func (export "mercury_abi_version") (result i32) (i32.const 1))

)
