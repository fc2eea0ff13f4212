-- 
-- THIS FILE HAS BEEN GENERATED AUTOMATICALLY
-- DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
-- 
-- GENERATED USING @colyseus/schema 5.0.34
-- 

local schema = require 'colyseus.serializer.schema.schema'
local quantize = require 'colyseus.serializer.schema.quantize'


---@class PlayerInput: Schema
---@field seq number
---@field moveX number
---@field moveY number
---@field aim number
---@field fire boolean
local PlayerInput = schema.define({
    ["seq"] = "uint32",
    ["moveX"] = "int8",
    ["moveY"] = "int8",
    ["aim"] = { quantized = quantize.resolve({ min = 0, max = 6.283185307179586, bits = 16, mode = 1 }) },
    ["fire"] = "boolean",
    ["_fields_by_index"] = { "seq", "moveX", "moveY", "aim", "fire" },
})

return PlayerInput
