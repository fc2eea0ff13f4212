-- 
-- THIS FILE HAS BEEN GENERATED AUTOMATICALLY
-- DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
-- 
-- GENERATED USING @colyseus/schema 5.0.34
-- 

local schema = require 'colyseus.serializer.schema.schema'
local quantize = require 'colyseus.serializer.schema.quantize'


---@class Player: Schema
---@field name string
---@field playerId string
---@field x number
---@field y number
---@field aim number
---@field hp number
---@field score number
---@field isAlive boolean
---@field killedBy string
---@field isConnected boolean
---@field vx number
---@field vy number
local Player = schema.define({
    ["name"] = "string",
    ["playerId"] = "string",
    ["x"] = "uint16",
    ["y"] = "uint16",
    ["aim"] = { quantized = quantize.resolve({ min = 0, max = 6.283185307179586, bits = 8, mode = 1 }) },
    ["hp"] = "uint8",
    ["score"] = "uint16",
    ["isAlive"] = "boolean",
    ["killedBy"] = "string",
    ["isConnected"] = "boolean",
    ["vx"] = "int16",
    ["vy"] = "int16",
    ["_fields_by_index"] = { "name", "playerId", "x", "y", "aim", "hp", "score", "isAlive", "killedBy", "isConnected", "vx", "vy" },
})

return Player
