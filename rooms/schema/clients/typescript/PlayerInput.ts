// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 

import { Schema, type, ArraySchema, MapSchema, SetSchema, DataChange } from '@colyseus/schema';


export class PlayerInput extends Schema {
    @type("uint32") public seq!: number;
    @type("int8") public moveX!: number;
    @type("int8") public moveY!: number;
    @type({ quantized: { min: 0, max: 6.283185307179586, bits: 16, mode: "wrap" } }) public aim!: number;
    @type("boolean") public fire!: boolean;
}
