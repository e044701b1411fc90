;; Test module: mercury_invoke has the wrong signature (one parameter).
(module
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "mercury_abi_version") (result i32) (i32.const 1))
  (func (export "mercury_invoke") (param i32) (result i32) (i32.const 0))
)
