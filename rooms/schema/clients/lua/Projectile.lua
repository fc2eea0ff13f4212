-- 
-- THIS FILE HAS BEEN GENERATED AUTOMATICALLY
-- DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
-- 
-- GENERATED USING @colyseus/schema 5.0.34
-- 

local schema = require 'colyseus.serializer.schema.schema'


---@class Projectile: Schema
---@field ownerId string
---@field originX number
---@field originY number
---@field vx number
---@field vy number
---@field spawnTick number
local Projectile = schema.define({
    ["ownerId"] = "string",
    ["originX"] = "uint16",
    ["originY"] = "uint16",
    ["vx"] = "int16",
    ["vy"] = "int16",
    ["spawnTick"] = "uint32",
    ["_fields_by_index"] = { "ownerId", "originX", "originY", "vx", "vy", "spawnTick" },
})

return Projectile
