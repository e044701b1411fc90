;; Test module "huge_memory" for the runtime's load and containment tests; see
;; runtime_test.go. Describe answers like a well-formed driver; every other
;; operation does what the file name says. Assembled with wabt's wat2wasm.
(module
  (import "mercury" "input_read" (func $input_read (param i32 i32) (result i32)))
  (import "mercury" "output_write" (func $output_write (param i32 i32) (result i32)))

  (memory (export "memory") 2048)
  (data (i32.const 1024) "{\"name\":\"huge_memory\",\"version\":\"1\",\"session\":\"exec\",\"port_pattern\":\".*\"}")
  (func (export "_initialize") )
  (func (export "mercury_abi_version") (result i32) (i32.const 1))
  (func (export "mercury_invoke") (param $op i32) (param $in i32) (result i32)
    (drop (call $input_read (i32.const 0) (i32.add (local.get $op) (local.get $in))))
    (if (i32.eq (i32.load8_u (i32.const 0)) (i32.const 100)) ;; "d": describe
      (then (drop (call $output_write (i32.const 1024) (i32.const 73))) (return (i32.const 0))))
    (i32.const 0))
)
